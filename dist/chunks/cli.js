#!/usr/bin/env node
import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{a as r,b as t,c as e}from"./chunk-DTOBASLN.js";import"./chunk-WSLCKM7U.js";var i=e("hoist");["audit","build","push"].includes(process.argv.slice(2).find(s=>!s.startsWith("-"))??"")&&r();var{exitOnSignals:n}=await import("./exit-67GLMABZ.js"),{cli:c}=await import("./main-D2TGMXGU.js");for(let s of[process.stdout,process.stderr])s.on("error",o=>{throw o.code==="EPIPE"&&(i(),process.exit(0)),o});n();process.exitCode=await c(process.argv.slice(2),process.env,{stdout:process.stdout,stderr:process.stderr});i();t();
