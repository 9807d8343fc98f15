#!/usr/bin/env node
/** The `typeswitch` daemon entry point. Kept thin so a supervisor process can wrap it. */
import { runDaemon } from './core/daemon.js';

const code = await runDaemon(process.argv.slice(2));
process.exitCode = code;
// Anything a module forgot to close must not keep a stopped daemon alive.
setTimeout(() => process.exit(code), 2000).unref();
