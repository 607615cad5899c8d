#!/usr/bin/env node
import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{a as r}from"./chunk-TJEJ2NFI.js";import"./chunk-WSLCKM7U.js";["audit","build","push"].includes(process.argv.slice(2).find(s=>!s.startsWith("-"))??"")&&r();var{exitOnSignals:e}=await import("./exit-IXSRWRO4.js"),{cli:t}=await import("./main-H54VHBC5.js");for(let s of[process.stdout,process.stderr])s.on("error",o=>{throw o.code==="EPIPE"&&process.exit(0),o});e();process.exitCode=await t(process.argv.slice(2),process.env,{stdout:process.stdout,stderr:process.stderr});setTimeout(()=>process.exit(),2e3).unref();
