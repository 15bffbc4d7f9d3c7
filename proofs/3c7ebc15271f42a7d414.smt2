; corpus/equivalent/i386-write_cr3.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun ESP () (_ BitVec 32))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x171 (bvsub ESP (_ bv4 32))))
(let ((?x28 (bvadd ?x171 (_ bv4 32))))
(let (($x152 (and (distinct ?x28 ESP) true)))
(let (($x94 (and (distinct (_ bv3238002694 32) (_ bv3238002694 32)) true)))
(let (($x93 (and (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (_ bv3254779904 32)) (_ bv65536 32))) (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (bvadd (_ bv3254779904 32) (_ bv3 32))) (_ bv65536 32))))))
(let (($x135 (= TF (_ bv0 1))))
(let (($x78 (= VM (_ bv0 1))))
(let (($x134 (= DF (_ bv0 1))))
(and $x134 $x78 $x135 $x93 (or $x94 $x152)))))))))))
(check-sat)
