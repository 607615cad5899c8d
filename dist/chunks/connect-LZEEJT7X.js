import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{f as a,g as b,h as c,i as d,j as e,k as f}from"./chunk-LJQVIUSC.js";import"./chunk-AVFE3ESA.js";import"./chunk-4CDLFZ6W.js";import"./chunk-ROVJTQ42.js";import"./chunk-S57OZ7I2.js";import"./chunk-OFAF6FI3.js";import"./chunk-BW5MAXUW.js";import"./chunk-5ERMGWHO.js";import"./chunk-XK44ORZB.js";import"./chunk-WSLCKM7U.js";export{b as clientOptions,f as closeAll,e as connectBases,d as connectRegistries,c as machineCredentials,a as timeoutFromEnv};
