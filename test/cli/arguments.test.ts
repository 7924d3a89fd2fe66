import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { runCli } from "./cli-process.js";

test("ocppkit --help lists the commands and the exit codes", async () => {
  const { code, stdout } = await runCli(["--help"]);
  assert.equal(code, 0);
  assert.match(stdout, /Usage: ocppkit <command>/);
  assert.match(stdout, /^ {2}demo /m);
  assert.match(stdout, /Exit codes:/);
});

test("every command has --help with examples", async () => {
  for (const command of ["demo", "serve", "charge-point", "load"]) {
    const { code, stdout } = await runCli([command, "--help"]);
    assert.equal(code, 0, command);
    assert.match(stdout, new RegExp(`Usage: ocppkit ${command}`));
    assert.match(stdout, /Examples:/);
  }
});

test("an unknown command is one line on stderr and exit code 2", async () => {
  const { code, stderr, stdout } = await runCli(["frobnicate"]);
  assert.equal(code, 2);
  assert.equal(stdout, "");
  assert.equal(
    stderr,
    "ocppkit: unknown command 'frobnicate'; commands are demo, serve, charge-point, load, conformance (see 'ocppkit --help')",
  );
});

test("an unknown option is one line on stderr and exit code 2", async () => {
  const { code, stderr } = await runCli(["demo", "--colour"]);
  assert.equal(code, 2);
  assert.equal(stderr, "ocppkit demo: unknown option '--colour' (see 'ocppkit demo --help')");
});

test("an unknown OCPP version is refused with exit code 2", async () => {
  const { code, stderr } = await runCli(["demo", "--version", "1.5"]);
  assert.equal(code, 2);
  assert.equal(stderr, "ocppkit demo: --version must be one of 1.6, 2.0.1, 2.1, got '1.5' (see 'ocppkit demo --help')");
});

const fixture = (name: string) => fileURLToPath(new URL(`../../../test/fixtures/certs/${name}`, import.meta.url));

test("charge-point option mistakes are one line and exit code 2", async () => {
  const cases: [string[], string][] = [
    [
      ["charge-point"],
      "ocppkit charge-point: missing the central system URL, e.g. ws://127.0.0.1:9000/ocpp (see 'ocppkit charge-point --help')",
    ],
    [
      ["charge-point", "ws://127.0.0.1:9", "--connectors", "0"],
      "ocppkit charge-point: --connectors must be a whole number from 1 to 100, got '0' (see 'ocppkit charge-point --help')",
    ],
    [
      ["charge-point", "ws://127.0.0.1:9", "--cert", "/nonexistent.pem"],
      "ocppkit charge-point: cannot read the --cert file '/nonexistent.pem': ENOENT (see 'ocppkit charge-point --help')",
    ],
    [
      ["charge-point", "ws://127.0.0.1:9", "--auth", "user:pass"],
      "ocppkit charge-point: --auth must look like basic:user:password, got 'user:pass' (see 'ocppkit charge-point --help')",
    ],
    [
      ["charge-point", "ws://127.0.0.1:9", "--user-interface"],
      "ocppkit charge-point: --user-interface needs --version 2.0.1 or 2.1 (see 'ocppkit charge-point --help')",
    ],
    [
      ["charge-point", "ws://127.0.0.1:9", "--permanent-cable"],
      "ocppkit charge-point: --permanent-cable needs --version 2.0.1 or 2.1 (see 'ocppkit charge-point --help')",
    ],
    [
      ["serve", "--tls", "only-one.pem"],
      "ocppkit serve: --tls must be cert.pem,key.pem or cert.pem,key.pem,ca.pem, got 'only-one.pem' (see 'ocppkit serve --help')",
    ],
    [["serve", "--tls-port", "0"], "ocppkit serve: --tls-port needs --tls cert.pem,key.pem[,ca.pem] (see 'ocppkit serve --help')"],
    [["serve", "--ca", "ca.pem"], "ocppkit serve: --ca must be cert.pem,key.pem, got 'ca.pem' (see 'ocppkit serve --help')"],
    [
      ["serve", "--ca", `${fixture("ca.crt")},${fixture("untrusted-ca.key")}`],
      `ocppkit serve: --ca ${fixture("ca.crt")},${fixture("untrusted-ca.key")}: the CA key is not the key of the CA certificate: give the key file that belongs to it (see 'ocppkit serve --help')`,
    ],
  ];
  for (const [args, message] of cases) {
    const { code, stderr } = await runCli(args);
    assert.equal(code, 2, args.join(" "));
    assert.equal(stderr, message);
  }
});

test("serve on a port that is taken exits 1 with one line", async (t) => {
  const server = createServer();
  t.after(() => new Promise((resolve) => server.close(resolve)));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const { code, stderr } = await runCli(["serve", "--port", String(port)]);
  assert.equal(code, 1);
  assert.equal(stderr, `ocppkit serve: port ${port} on 127.0.0.1 is already in use; try --port 0`);
});
