import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{b as a,c as b,d as c,e as d,f as e}from"./chunk-NUWYEGSI.js";import"./chunk-YNTGFAOF.js";import"./chunk-HKR7KIMT.js";import"./chunk-V275VKJ6.js";import"./chunk-P3KCRFRE.js";import"./chunk-RUQC4LZH.js";import"./chunk-7LQEWDLY.js";import"./chunk-NH2UTCND.js";import"./chunk-ROVJTQ42.js";import"./chunk-X2FS3BTB.js";import"./chunk-WSLCKM7U.js";export{a as BuilderError,c as buildxDriver,b as chooseBuilder,e as createBuilder,d as probeBuilders};
