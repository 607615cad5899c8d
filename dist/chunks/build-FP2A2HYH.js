import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{d as a}from"./chunk-QFDGXU46.js";import"./chunk-SLHQEA6I.js";import"./chunk-ADVXHLFP.js";import"./chunk-UUP2V2TW.js";import"./chunk-G3EIBS5C.js";import"./chunk-KWDGU5BQ.js";import"./chunk-6NXDSAL5.js";import"./chunk-HDWVZ6MW.js";import"./chunk-BU7IWGE7.js";import"./chunk-NLDMDRCF.js";import"./chunk-7WWOJHMN.js";export{a as build};
