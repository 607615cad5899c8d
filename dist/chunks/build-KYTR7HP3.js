import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{d as a}from"./chunk-AF25HCSC.js";import"./chunk-6ES5ICLG.js";import"./chunk-VEFIJBGK.js";import"./chunk-LNHPKS4I.js";import"./chunk-KUDDU4WW.js";import"./chunk-COJXMEUF.js";import"./chunk-HGM6SJI4.js";import"./chunk-LFMUMC6K.js";import"./chunk-24RBXOQA.js";import"./chunk-4K2K4KTA.js";import"./chunk-7WWOJHMN.js";export{a as build};
