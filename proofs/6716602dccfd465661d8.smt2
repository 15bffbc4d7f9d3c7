; corpus/equivalent/i386-u64-arg-in-edx-ecx.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun ESP () (_ BitVec 32))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x26 (bvsub ESP (_ bv4 32))))
(let ((?x130 (bvadd ?x26 (_ bv4 32))))
(let (($x94 (and (distinct ?x130 ESP) true)))
(let (($x53 (and (distinct (_ bv3238002694 32) (_ bv3238002694 32)) true)))
(let (($x219 (and (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (_ bv3254779904 32)) (_ bv65536 32))) (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (bvadd (_ bv3254779904 32) (_ bv3 32))) (_ bv65536 32))))))
(let (($x28 (= TF (_ bv0 1))))
(let (($x82 (= VM (_ bv0 1))))
(let (($x162 (= DF (_ bv0 1))))
(and $x162 $x82 $x28 $x219 (or $x53 $x94)))))))))))
(check-sat)
