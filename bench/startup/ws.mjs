// Bare `ws`: load it and check one frame by hand.
import "ws";
import { frame } from "./frame.mjs";
import { report } from "./report.mjs";

const [type, id, action, payload] = JSON.parse(frame);
report(type === 2 && typeof id === "string" && action === "BootNotification" && typeof payload.chargePointVendor === "string");
