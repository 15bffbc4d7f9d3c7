; corpus/equivalent/i386-u64-arg-in-edx-ecx.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun ESP () (_ BitVec 32))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x216 (bvsub ESP (_ bv4 32))))
(let ((?x114 (bvadd ?x216 (_ bv4 32))))
(let (($x497 (and (distinct ?x114 ESP) true)))
(let (($x425 (and (distinct (_ bv3238002694 32) (_ bv3238002694 32)) true)))
(let (($x263 (and (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (_ bv3254779904 32)) (_ bv65536 32))) (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (bvadd (_ bv3254779904 32) (_ bv3 32))) (_ bv65536 32))))))
(let (($x86 (= TF (_ bv0 1))))
(let (($x102 (= VM (_ bv0 1))))
(let (($x33 (= DF (_ bv0 1))))
(and $x33 $x102 $x86 $x263 (or $x425 $x497)))))))))))
(check-sat)
