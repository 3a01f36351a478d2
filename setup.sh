#!/usr/bin/env bash
# Workshop setup: checks Node.js, installs the dependencies of every stage, then
# runs the 01-chat server and a client once to prove everything works.
# Safe to run as often as you like.
set -u
cd "$(dirname "$0")" || exit 1

fail() {
  echo "Setup failed: $*" >&2
  exit 1
}

command -v node >/dev/null 2>&1 ||
  fail "Node.js is not installed. Install Node.js 20 or newer (https://nodejs.org), then run ./setup.sh again."
major=$(node -p 'process.versions.node.split(".")[0]')
[ "$major" -ge 20 ] ||
  fail "this workshop needs Node.js 20 or newer, and you have $(node --version). Install a newer Node.js, then run ./setup.sh again."
command -v npm >/dev/null 2>&1 ||
  fail "npm is not installed. It comes with Node.js: reinstall Node.js 20 or newer, then run ./setup.sh again."
echo "Node.js $(node --version), npm $(npm --version)"

echo "Installing dependencies (npm ci)..."
npm ci --no-audit --no-fund ||
  fail "npm ci could not install the dependencies (see the messages above). Check your network, then run ./setup.sh again."

echo "Checking the toolchain with the 01-chat app..."
# CHAT_RUN_TS=ts-node: start the server and client with ts-node, as attendees will.
CHAT_RUN_TS=ts-node node node_modules/ts-node/dist/bin.js scripts/smoke.ts ||
  fail "the 01-chat server and client did not work (see above)."

echo "Setup successful!"
