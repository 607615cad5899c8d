import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{a,b,c}from"./chunk-GIAQV7ZZ.js";import"./chunk-PTOLQTFS.js";import"./chunk-AVFE3ESA.js";import"./chunk-4CDLFZ6W.js";import"./chunk-ROVJTQ42.js";import"./chunk-N7LJ3RVC.js";import"./chunk-OFAF6FI3.js";import"./chunk-JEIU7ZNQ.js";import"./chunk-5ERMGWHO.js";import"./chunk-XK44ORZB.js";import"./chunk-WSLCKM7U.js";export{a as LOGIN_CHECK_TIMEOUT_MS,b as checkLogins,c as connectTargets};
