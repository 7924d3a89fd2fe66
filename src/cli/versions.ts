/** Which OCPP versions the command speaks, by the names a person types (`--version 1.6`). */
import { stationVersions, subprotocolOf, type VersionName } from "../station/station-version.js";
import { CliError, ExitCode, usageError } from "./cli-errors.js";

export { subprotocolOf, type VersionName };
export const knownVersions = stationVersions;

/** The versions this build of the command can run. */
export const supportedVersions: readonly VersionName[] = ["1.6", "2.0.1", "2.1"];

export function versionOption(command: string, raw: string | undefined): VersionName {
  const value = raw ?? "1.6";
  if (!(knownVersions as readonly string[]).includes(value)) {
    throw usageError(command, `--version must be one of ${knownVersions.join(", ")}, got '${value}'`);
  }
  const version = value as VersionName;
  if (!supportedVersions.includes(version)) {
    throw new CliError(
      `ocppkit ${command}: OCPP ${version} is not available in this build yet; use --version ${supportedVersions.join(" or ")}`,
      ExitCode.Usage,
    );
  }
  return version;
}

/** A comma-separated list of versions (`--versions 1.6,2.0.1`). */
export function versionsOption(command: string, raw: string | undefined): VersionName[] {
  if (raw === undefined) return [...supportedVersions];
  const list = raw
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
  if (list.length === 0) throw usageError(command, "--versions needs at least one version");
  return [...new Set(list.map((part) => versionOption(command, part)))];
}
