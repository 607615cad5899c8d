import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{a,b}from"./chunk-YOELTCZX.js";import"./chunk-FJWKJ3QH.js";import"./chunk-FKKIB6FF.js";import"./chunk-WSLCKM7U.js";export{a as hider,b as newCatalog};
