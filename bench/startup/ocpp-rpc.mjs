// ocpp-rpc: load it and validate one frame with its OCPP 1.6 schemas, as its strict mode does.
import { createRequire } from "node:module";
import { frame } from "./frame.mjs";
import { report } from "./report.mjs";

const require = createRequire(import.meta.url);
require("ocpp-rpc");
const validator = require("ocpp-rpc/lib/standard-validators.js").find((v) => v.subprotocol === "ocpp1.6");
const [, , action, payload] = JSON.parse(frame);
report(validator.validate(`urn:${action}.req`, payload));
