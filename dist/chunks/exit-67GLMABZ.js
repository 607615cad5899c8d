import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{a,b,c,d,e,f}from"./chunk-Q2SGR3GA.js";import"./chunk-WSLCKM7U.js";export{a as EXIT,b as RESULT,c as exitCodeFor,f as exitOnSignals,e as resultFor,d as resultOfCode};
