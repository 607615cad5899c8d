import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{a}from"./chunk-LAUW7VWO.js";import"./chunk-FVPEO4TM.js";import"./chunk-6NXDSAL5.js";import"./chunk-LIG7EG6X.js";import"./chunk-BU7IWGE7.js";import"./chunk-JEIU7ZNQ.js";import"./chunk-7WWOJHMN.js";export{a as promote};
