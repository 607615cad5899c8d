import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{d as a,e as b,f as c}from"./chunk-F3OWYHXM.js";import"./chunk-RNF3FG7B.js";import"./chunk-OXX2WHLH.js";import"./chunk-DMKKNXOV.js";import"./chunk-A56PZYJQ.js";import"./chunk-7QWCK2WV.js";import"./chunk-JEIU7ZNQ.js";import"./chunk-OFAF6FI3.js";import"./chunk-RUQC4LZH.js";import"./chunk-7LQEWDLY.js";import"./chunk-CDA5ZYCH.js";import"./chunk-WSLCKM7U.js";export{b as pushBuilds,c as pushError,a as pushTargets};
