import { actionSender, ChargePoint } from "ocppkit/v21";
import { typedFixtureSuite } from "../support/typed-fixtures.js";
import { fixtures } from "./fixtures.js";

typedFixtureSuite("2.1", ChargePoint, actionSender, fixtures);
