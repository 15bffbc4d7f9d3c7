; corpus/history/2.6.22-i386/2.6.22-i386-read_cr2.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun ESP () (_ BitVec 32))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x419 (bvsub ESP (_ bv4 32))))
(let ((?x140 (bvadd ?x419 (_ bv4 32))))
(let (($x176 (and (distinct ?x140 ESP) true)))
(let (($x510 (and (distinct (_ bv3238002694 32) (_ bv3238002694 32)) true)))
(let (($x12 (and (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (_ bv3254779904 32)) (_ bv65536 32))) (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (bvadd (_ bv3254779904 32) (_ bv3 32))) (_ bv65536 32))))))
(let (($x96 (= TF (_ bv0 1))))
(let (($x470 (= VM (_ bv0 1))))
(let (($x384 (= DF (_ bv0 1))))
(and $x384 $x470 $x96 $x12 (or $x510 $x176)))))))))))
(check-sat)
