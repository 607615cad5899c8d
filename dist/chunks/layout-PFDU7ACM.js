import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{c as a,d as b,e as c,f as d,g as e,h as f,i as g,j as h,k as i,l as j,m as k}from"./chunk-FUVBQD55.js";import"./chunk-WSLCKM7U.js";export{e as Digester,a as MediaType,b as REF_NAME,j as annotateLayoutRoot,c as blobPath,d as initLayout,k as readLayoutImage,i as readLayoutRoot,g as writeBlobBytes,f as writeBlobStream,h as writeIndex};
