import { actionSender, ChargePoint, call, callResult } from "ocppkit/v21";
import { roundTripSuite } from "../support/round-trip.js";
import { loadSchemas } from "../support/sample-payload.js";

roundTripSuite({ name: "2.1", Peer: ChargePoint, actionSender, call, callResult, schemas: loadSchemas("v21") });
