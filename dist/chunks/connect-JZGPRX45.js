import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{e as a,f as b,g as c,h as d,i as e}from"./chunk-7LZZW2SR.js";import"./chunk-SWOUUQW7.js";import"./chunk-JEIU7ZNQ.js";import"./chunk-HGM6SJI4.js";import"./chunk-OFAF6FI3.js";import"./chunk-CDA5ZYCH.js";import"./chunk-ROVJTQ42.js";import"./chunk-WSLCKM7U.js";export{a as clientOptions,e as closeAll,d as connectBases,c as connectRegistries,b as machineCredentials};
