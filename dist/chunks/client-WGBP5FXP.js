import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{d as a,e as b,f as c}from"./chunk-S57OZ7I2.js";import"./chunk-OFAF6FI3.js";import"./chunk-BW5MAXUW.js";import"./chunk-5ERMGWHO.js";import"./chunk-XK44ORZB.js";import"./chunk-WSLCKM7U.js";export{b as MANIFEST_TYPES,c as RegistryClient,a as USER_AGENT};
