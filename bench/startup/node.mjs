// Node alone: the floor under every other start-up figure.
import { report } from "./report.mjs";

report(true);
