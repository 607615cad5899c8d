import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{f as a,g as b,h as c,i as d,j as e,k as f}from"./chunk-PTOLQTFS.js";import"./chunk-AVFE3ESA.js";import"./chunk-4CDLFZ6W.js";import"./chunk-ROVJTQ42.js";import"./chunk-N7LJ3RVC.js";import"./chunk-OFAF6FI3.js";import"./chunk-JEIU7ZNQ.js";import"./chunk-5ERMGWHO.js";import"./chunk-XK44ORZB.js";import"./chunk-WSLCKM7U.js";export{b as clientOptions,f as closeAll,e as connectBases,d as connectRegistries,c as machineCredentials,a as timeoutFromEnv};
