import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{a,b,c}from"./chunk-SKDY4R6X.js";import"./chunk-XU562JYQ.js";import"./chunk-4CDLFZ6W.js";import"./chunk-ROVJTQ42.js";import"./chunk-X372CULM.js";import"./chunk-OFAF6FI3.js";import"./chunk-JEIU7ZNQ.js";import"./chunk-AAIDFLCO.js";import"./chunk-7BUDSDMG.js";import"./chunk-WSLCKM7U.js";export{a as LOGIN_CHECK_TIMEOUT_MS,b as checkLogins,c as connectTargets};
