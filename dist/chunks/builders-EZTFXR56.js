import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{a,b,c,d,e}from"./chunk-6ADU246F.js";import"./chunk-IETZL5XL.js";import"./chunk-YEZIY57B.js";import"./chunk-YE56MJF2.js";import"./chunk-HKR7KIMT.js";import"./chunk-RUQC4LZH.js";import"./chunk-7LQEWDLY.js";import"./chunk-XYLRSGNZ.js";import"./chunk-CM3DPYOW.js";import"./chunk-7WWOJHMN.js";export{a as BuilderError,c as buildxDriver,b as chooseBuilder,e as createBuilder,d as probeBuilders};
