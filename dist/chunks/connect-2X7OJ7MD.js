import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{e as a,f as b,g as c,h as d,i as e}from"./chunk-T76574O2.js";import"./chunk-5RN3X2YR.js";import"./chunk-C4QFCQTX.js";import"./chunk-OFAF6FI3.js";import"./chunk-CZF4R6GP.js";import"./chunk-HGM6SJI4.js";import"./chunk-WSLCKM7U.js";export{a as clientOptions,e as closeAll,d as connectBases,c as connectRegistries,b as machineCredentials};
