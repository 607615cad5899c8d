import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{d as a,e as b,f as c}from"./chunk-TRJFNM62.js";import"./chunk-UFSWMT2F.js";import"./chunk-VR5DCDWF.js";import"./chunk-SG6UTZR6.js";import"./chunk-SXGBUPGB.js";import"./chunk-IBKPVGML.js";import"./chunk-7QWCK2WV.js";import"./chunk-4CDLFZ6W.js";import"./chunk-RUQC4LZH.js";import"./chunk-OFAF6FI3.js";import"./chunk-BW5MAXUW.js";import"./chunk-XK44ORZB.js";import"./chunk-FUVBQD55.js";import"./chunk-WSLCKM7U.js";export{b as pushBuilds,c as pushError,a as pushTargets};
