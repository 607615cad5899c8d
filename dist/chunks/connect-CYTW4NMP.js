import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{e as a,f as b,g as c,h as d,i as e,j as f}from"./chunk-J27J56PU.js";import"./chunk-4CDLFZ6W.js";import"./chunk-ROVJTQ42.js";import"./chunk-UURV5COP.js";import"./chunk-OFAF6FI3.js";import"./chunk-JEIU7ZNQ.js";import"./chunk-HGM6SJI4.js";import"./chunk-FWT3TPTY.js";import"./chunk-WSLCKM7U.js";export{b as clientOptions,f as closeAll,e as connectBases,d as connectRegistries,c as machineCredentials,a as timeoutFromEnv};
