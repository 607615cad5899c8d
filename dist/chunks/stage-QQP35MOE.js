import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{d as a,e as b,f as c}from"./chunk-6UOQBO52.js";import"./chunk-RVL3JMYV.js";import"./chunk-XKNRXHXS.js";import"./chunk-BXI3XSPY.js";import"./chunk-32RLPHZB.js";import"./chunk-7QWCK2WV.js";import"./chunk-4CDLFZ6W.js";import"./chunk-RUQC4LZH.js";import"./chunk-OFAF6FI3.js";import"./chunk-JEIU7ZNQ.js";import"./chunk-XK44ORZB.js";import"./chunk-FUVBQD55.js";import"./chunk-WSLCKM7U.js";export{b as pushBuilds,c as pushError,a as pushTargets};
