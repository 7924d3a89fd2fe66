// ocppkit: import ocppkit/v16 and validate one frame with its ahead-of-time compiled schemas.
import { protocol } from "ocppkit/v16";
import { frame } from "./frame.mjs";
import { report } from "./report.mjs";

const [, , action, payload] = JSON.parse(frame);
report(protocol.actions.get(action).request(payload));
