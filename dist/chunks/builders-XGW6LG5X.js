import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{a,b,c,d,e}from"./chunk-KVHRSZJ5.js";import"./chunk-YNTGFAOF.js";import"./chunk-V275VKJ6.js";import"./chunk-YE56MJF2.js";import"./chunk-HKR7KIMT.js";import"./chunk-RUQC4LZH.js";import"./chunk-7LQEWDLY.js";import"./chunk-XYLRSGNZ.js";import"./chunk-CZF4R6GP.js";import"./chunk-WSLCKM7U.js";export{a as BuilderError,c as buildxDriver,b as chooseBuilder,e as createBuilder,d as probeBuilders};
