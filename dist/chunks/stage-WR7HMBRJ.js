import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{a,b,c}from"./chunk-ZU364NUO.js";import"./chunk-QFFWR5I4.js";import"./chunk-TGBP72YG.js";import"./chunk-U33Q54HH.js";import"./chunk-7QWCK2WV.js";import"./chunk-HUGYQBNX.js";import"./chunk-JEIU7ZNQ.js";import"./chunk-HKR7KIMT.js";import"./chunk-7LQEWDLY.js";import"./chunk-7WWOJHMN.js";export{b as auditBuilds,a as describeFinding,c as leakError};
