; A demo "win32k": nothing but a second service table, so the Shadow-table path of
; KiSystemService (service numbers from 0x1000, the GUI-thread conversion) runs end to end.
bits 32
%include "ks386.inc"
org WIN32K_IMAGE_BASE
%include "w32ksvc.inc"              ; GENERATED from kernel/nt/w32ksvc.lst
