; corpus/equivalent/i386-wbinvd.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun ESP () (_ BitVec 32))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x163 (bvsub ESP (_ bv4 32))))
(let ((?x158 (bvadd ?x163 (_ bv4 32))))
(let (($x134 (and (distinct ?x158 ESP) true)))
(let (($x58 (and (distinct (_ bv3238002694 32) (_ bv3238002694 32)) true)))
(let (($x232 (and (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (_ bv3254779904 32)) (_ bv65536 32))) (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (bvadd (_ bv3254779904 32) (_ bv3 32))) (_ bv65536 32))))))
(let (($x105 (= TF (_ bv0 1))))
(let (($x55 (= VM (_ bv0 1))))
(let (($x94 (= DF (_ bv0 1))))
(and $x94 $x55 $x105 $x232 (or $x58 $x134)))))))))))
(check-sat)
