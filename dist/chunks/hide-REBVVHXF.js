import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{a,b}from"./chunk-4VDCCKFB.js";import"./chunk-QFFWR5I4.js";import"./chunk-FHYP6S5W.js";import"./chunk-WSLCKM7U.js";export{a as hider,b as newCatalog};
