import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{a,b,c}from"./chunk-QMNMMML5.js";import"./chunk-HR7L6TCK.js";import"./chunk-4CDLFZ6W.js";import"./chunk-ZVH6O3TT.js";import"./chunk-JEIU7ZNQ.js";import"./chunk-HGM6SJI4.js";import"./chunk-OFAF6FI3.js";import"./chunk-EWKGSGBP.js";import"./chunk-ROVJTQ42.js";import"./chunk-WSLCKM7U.js";export{a as LOGIN_CHECK_TIMEOUT_MS,b as checkLogins,c as connectTargets};
