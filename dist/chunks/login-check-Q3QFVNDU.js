import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{a,b,c}from"./chunk-N52Y5NJ6.js";import"./chunk-LJQVIUSC.js";import"./chunk-AVFE3ESA.js";import"./chunk-4CDLFZ6W.js";import"./chunk-ROVJTQ42.js";import"./chunk-S57OZ7I2.js";import"./chunk-OFAF6FI3.js";import"./chunk-BW5MAXUW.js";import"./chunk-5ERMGWHO.js";import"./chunk-XK44ORZB.js";import"./chunk-WSLCKM7U.js";export{a as LOGIN_CHECK_TIMEOUT_MS,b as checkLogins,c as connectTargets};
