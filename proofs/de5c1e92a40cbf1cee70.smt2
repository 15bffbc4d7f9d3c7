; corpus/equivalent/i386-wbinvd.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun ESP () (_ BitVec 32))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x211 (bvsub ESP (_ bv4 32))))
(let ((?x106 (bvadd ?x211 (_ bv4 32))))
(let (($x202 (and (distinct ?x106 ESP) true)))
(let (($x161 (and (distinct (_ bv3238002694 32) (_ bv3238002694 32)) true)))
(let (($x189 (and (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (_ bv3254779904 32)) (_ bv65536 32))) (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (bvadd (_ bv3254779904 32) (_ bv3 32))) (_ bv65536 32))))))
(let (($x218 (= TF (_ bv0 1))))
(let (($x173 (= VM (_ bv0 1))))
(let (($x139 (= DF (_ bv0 1))))
(and $x139 $x173 $x218 $x189 (or $x161 $x202)))))))))))
(check-sat)
