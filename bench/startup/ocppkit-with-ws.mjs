// ocppkit as a charger starts: the core (with connect(), which loads ws) and ocppkit/v16, then validate
// one frame. ocppkit/v16 alone loads no WebSocket code; this is the figure with it.
import "ocppkit";
import { protocol } from "ocppkit/v16";
import { frame } from "./frame.mjs";
import { report } from "./report.mjs";

const [, , action, payload] = JSON.parse(frame);
report(protocol.actions.get(action).request(payload));
