import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{c as F}from"./chunk-WSLCKM7U.js";var o=F((l,v)=>{var u=[0,1,3,7,15,31,63,127,255];v.exports=function(s){var t=0,e=0,i=s(),b=function(r){if(r===null&&t!=0){t=0,e++;return}for(var a=0;r>0;){e>=i.length&&(e=0,i=s());var x=8-t;t===0&&r>0&&b.bytesRead++,r>=x?(a<<=x,a|=u[x]&i[e++],t=0,r-=x):(a<<=r,a|=(i[e]&u[r]<<8-r-t)>>8-r-t,t+=r,r=0)}return a};return b.bytesRead=0,b}});export default o();
