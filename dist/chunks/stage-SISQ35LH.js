import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{d as a,e as b,f as c}from"./chunk-VNO6JAOG.js";import"./chunk-NJQFKBOX.js";import"./chunk-3T2FEJ34.js";import"./chunk-2H7TT5SG.js";import"./chunk-IY44ZWH5.js";import"./chunk-7QWCK2WV.js";import"./chunk-4CDLFZ6W.js";import"./chunk-JEIU7ZNQ.js";import"./chunk-OFAF6FI3.js";import"./chunk-CDA5ZYCH.js";import"./chunk-RUQC4LZH.js";import"./chunk-FUVBQD55.js";import"./chunk-WSLCKM7U.js";export{b as pushBuilds,c as pushError,a as pushTargets};
