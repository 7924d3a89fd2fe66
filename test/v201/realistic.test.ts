import { actionSender, ChargePoint } from "ocppkit/v201";
import { typedFixtureSuite } from "../support/typed-fixtures.js";
import { fixtures } from "./fixtures.js";

typedFixtureSuite("2.0.1", ChargePoint, actionSender, fixtures);
