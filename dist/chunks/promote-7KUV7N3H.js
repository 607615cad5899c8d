import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{a}from"./chunk-4NHMOK5F.js";import"./chunk-G3EIBS5C.js";import"./chunk-KWDGU5BQ.js";import"./chunk-6NXDSAL5.js";import"./chunk-HDWVZ6MW.js";import"./chunk-BU7IWGE7.js";import"./chunk-NLDMDRCF.js";import"./chunk-7WWOJHMN.js";export{a as promote};
