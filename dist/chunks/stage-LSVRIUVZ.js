import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{d as a,e as b,f as c}from"./chunk-MZ7QJ5TK.js";import"./chunk-EY3VBXPZ.js";import"./chunk-NJQFKBOX.js";import"./chunk-5YDDMQC6.js";import"./chunk-DVX6TJ5H.js";import"./chunk-7QWCK2WV.js";import"./chunk-4CDLFZ6W.js";import"./chunk-JEIU7ZNQ.js";import"./chunk-OFAF6FI3.js";import"./chunk-RUQC4LZH.js";import"./chunk-7LQEWDLY.js";import"./chunk-CDA5ZYCH.js";import"./chunk-WSLCKM7U.js";export{b as pushBuilds,c as pushError,a as pushTargets};
