import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{c as a,d as b,e as c}from"./chunk-SWOUUQW7.js";import"./chunk-JEIU7ZNQ.js";import"./chunk-HGM6SJI4.js";import"./chunk-OFAF6FI3.js";import"./chunk-CDA5ZYCH.js";import"./chunk-WSLCKM7U.js";export{b as MANIFEST_TYPES,c as RegistryClient,a as USER_AGENT};
