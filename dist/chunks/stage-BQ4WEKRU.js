import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{d as a,e as b,f as c}from"./chunk-PJG4XABW.js";import"./chunk-33MHQT4F.js";import"./chunk-U7SYC2JE.js";import"./chunk-TGBP72YG.js";import"./chunk-U33Q54HH.js";import"./chunk-7QWCK2WV.js";import"./chunk-JEIU7ZNQ.js";import"./chunk-OSAM52BJ.js";import"./chunk-RUQC4LZH.js";import"./chunk-7LQEWDLY.js";import"./chunk-IQ7VPJYD.js";import"./chunk-7WWOJHMN.js";export{b as pushBuilds,c as pushError,a as pushTargets};
