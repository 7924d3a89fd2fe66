import assert from "node:assert/strict";
import { test } from "node:test";
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
  assert.equal(stderr, "ocppkit: unknown command 'frobnicate'; commands are demo, serve, charge-point, load (see 'ocppkit --help')");
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
