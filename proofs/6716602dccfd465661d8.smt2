; corpus/equivalent/i386-u64-arg-in-edx-ecx.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun ESP () (_ BitVec 32))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x86 (bvsub ESP (_ bv4 32))))
(let ((?x82 (bvadd ?x86 (_ bv4 32))))
(let (($x160 (and (distinct ?x82 ESP) true)))
(let (($x181 (and (distinct (_ bv3238002694 32) (_ bv3238002694 32)) true)))
(let (($x205 (= VM (_ bv0 1))))
(let (($x168 (= DF (_ bv0 1))))
(and $x168 $x205 (or $x181 $x160)))))))))
(check-sat)
