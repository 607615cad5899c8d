import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{a,b,c}from"./chunk-UBJIIXO4.js";import"./chunk-J27J56PU.js";import"./chunk-4CDLFZ6W.js";import"./chunk-ROVJTQ42.js";import"./chunk-UURV5COP.js";import"./chunk-OFAF6FI3.js";import"./chunk-JEIU7ZNQ.js";import"./chunk-HGM6SJI4.js";import"./chunk-FWT3TPTY.js";import"./chunk-WSLCKM7U.js";export{a as LOGIN_CHECK_TIMEOUT_MS,b as checkLogins,c as connectTargets};
