; corpus/equivalent/i386-u64-arg-in-edx-ecx.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun ESP () (_ BitVec 32))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x317 (bvsub ESP (_ bv4 32))))
(let ((?x154 (bvadd ?x317 (_ bv4 32))))
(let (($x60 (and (distinct ?x154 ESP) true)))
(let (($x159 (and (distinct (_ bv3238002694 32) (_ bv3238002694 32)) true)))
(let (($x125 (and (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (_ bv3254779904 32)) (_ bv65536 32))) (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (bvadd (_ bv3254779904 32) (_ bv3 32))) (_ bv65536 32))))))
(let (($x121 (= TF (_ bv0 1))))
(let (($x77 (= VM (_ bv0 1))))
(let (($x14 (= DF (_ bv0 1))))
(and $x14 $x77 $x121 $x125 (or $x159 $x60)))))))))))
(check-sat)
