; corpus/equivalent/i386-read_cr2.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun ESP () (_ BitVec 32))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x174 (bvsub ESP (_ bv4 32))))
(let ((?x61 (bvadd ?x174 (_ bv4 32))))
(let (($x37 (and (distinct ?x61 ESP) true)))
(let (($x122 (and (distinct (_ bv3238002694 32) (_ bv3238002694 32)) true)))
(let (($x46 (and (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (_ bv3254779904 32)) (_ bv65536 32))) (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (bvadd (_ bv3254779904 32) (_ bv3 32))) (_ bv65536 32))))))
(let (($x180 (= TF (_ bv0 1))))
(let (($x17 (= VM (_ bv0 1))))
(let (($x44 (= DF (_ bv0 1))))
(and $x44 $x17 $x180 $x46 (or $x122 $x37)))))))))))
(check-sat)
